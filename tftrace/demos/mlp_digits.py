"""The demo: a Keras MLP Dense(128)-Dropout-Dense(64)-Dense(10) on scikit-learn's digits.

Run it under tftrace with ``tftrace run tftrace/demos/mlp_digits.py [EPOCHS]``.
"""

import sys


def build_model():
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input((64,)),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(10),
    ])
    model.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def load_data():
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    return (x / 16.0).astype("float32"), y


def main(epochs: int = 2, batch_size: int = 32) -> float:
    x, y = load_data()
    model = build_model()
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    accuracy = float(history.history["accuracy"][-1])
    print(f"trained {epochs} epoch(s) on {len(x)} digits: accuracy {accuracy:.3f}")
    return accuracy


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
