"""Short kernel names: the fixture's real kernels read apart, library families, and hostile names
(unbalanced brackets, operator names, 10^5 characters, 2x10^4 nested templates) never break it."""

from __future__ import annotations

import sys
import time

import pytest

from tftrace import load
from tftrace.analysis import xplane_pb
from tftrace.analysis.kernel_names import MAX_LEN, family, short_name


def _fixture_kernel_names(path) -> set[str]:
    """Names of the events carrying ``kernel_details``, read straight from the protobuf."""
    space = xplane_pb.XSpace.FromString(path.read_bytes())
    out = set()
    for plane in space.planes:
        details = {k for k, v in plane.stat_metadata.items() if v.name == "kernel_details"}
        for line in plane.lines:
            for event in line.events:
                if any(s.metadata_id in details for s in event.stats):
                    out.add(plane.event_metadata[event.metadata_id].name)
    return out


@pytest.fixture(scope="module")
def fixture_names(gpu_fixture):
    return _fixture_kernel_names(gpu_fixture)


def test_fixture_names_are_already_demangled_cpp(fixture_names):
    # GIVEN the 11 distinct kernels of the recorded BERT profile (README: 15 rows by name and launch shape)
    assert len(fixture_names) == 11
    # THEN they are demangled C++ signatures, not Itanium symbols
    assert all(n.startswith("void ") and not n.startswith("_Z") and n.endswith(")") for n in fixture_names)


def test_fixture_short_names_are_unique_short_and_keep_the_function(fixture_names):
    shorts = {n: short_name(n) for n in fixture_names}
    assert len(set(shorts.values())) == len(fixture_names)  # one short name per kernel
    for full, short in shorts.items():
        assert len(short) <= 80 < len(full)
        assert "::" not in short and "(" not in short
        head = short.split("<", 1)[0]
        assert f"::{head}<" in full  # the function's own name, as the signature has it
    assert sorted(shorts.values()) == sorted(set(shorts.values()))


def test_fixture_conversions_and_broadcasts_say_what_they_do(fixture_names):
    shorts = {short_name(n) for n in fixture_names}
    assert {"EigenMetaKernel<TensorConversionOp<half <- float>>", "EigenMetaKernel<TensorConversionOp<half <- bool>>",
            "EigenMetaKernel<TensorConversionOp<float <- half>>", "EigenMetaKernel<TensorBroadcastingOp<half, 1D>>",
            "EigenMetaKernel<TensorBroadcastingOp<half, 2D>>"} <= shorts
    assert "FillPhiloxRandomKernelLaunch<UniformDistribution<PhiloxRandom, half>>" in shorts


def test_profile_kernels_get_their_families(gpu_fixture):
    profile = load(gpu_fixture)
    families = {short_name(k.name).split("<")[0]: family(k.name) for k in profile.kernels}
    assert families == {"EigenMetaKernel": "Eigen", "FillPhiloxRandomKernelLaunch": "TensorFlow"}


@pytest.mark.parametrize("name, short, fam", [
    ("volta_h884gemm_128x128_ldg8_nn", "volta_h884gemm_128x128_ldg8_nn", "cuBLAS"),
    ("sm80_xmma_gemm_f16f16_f16f32_f32_nn_n_tilesize96x128x32_stage3_warpsize2x2x1_tensor16x8x16_kernel",
     "sm80_xmma_gemm_f16f16_f16f32_f32_nn_n_tilesize96x128x32_stage3_warpsize2x2x1_tensor16x8x16_kernel", "cuBLAS"),
    ("void cudnn::detail::implicit_convolve_sgemm<float, float, 128, 5, 5, 3, 3, 3, 1, false, false, true>"
     "(int, int, int, float const*, int, float*, float const*, kernel_conv_params, unsigned long long, int, float, float, int,"
     " float const*, float const*, bool, int, int)", "implicit_convolve_sgemm<float>", "cuDNN"),
    ("void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_128x128_32x3_nn_align4>"
     "(cutlass_80_tensorop_s1688gemm_128x128_32x3_nn_align4::Params)",
     "Kernel<cutlass_80_tensorop_s1688gemm_128x128_32x3_nn_align4>", "CUTLASS"),
    ("ncclKernel_AllReduce_RING_LL_Sum_float(ncclDevComm*, unsigned long, ncclWork*)",
     "ncclKernel_AllReduce_RING_LL_Sum_float", "NCCL"),
    ("void cub::DeviceRadixSortSingleTileKernel<cub::DeviceRadixSortPolicy<int, int, int>::Policy800, false, int, int, int>"
     "(int const*, int*, int const*, int*, int, int, int)", "DeviceRadixSortSingleTileKernel<Policy800, int>", "cub"),
    ("void tensorflow::functor::ColumnReduceKernel<float const*, float*, cub::Sum>(float const*, float*, int, int, cub::Sum, float)",
     "ColumnReduceKernel<float*, Sum>", "TensorFlow"),
    ("loop_add_fusion", "loop_add_fusion", "XLA"),
    ("_ZN5Eigen8internal15EigenMetaKernelINS_15TensorEvaluatorIKNS_14TensorAssignOpIS3_EEEEvT_T0_",
     "EigenMetaKernel<…>", "Eigen"),
])
def test_library_kernels(name, short, fam):
    assert short_name(name) == short
    assert family(name) == fam


@pytest.mark.parametrize("name, short", [
    ("std::ostream& std::operator<< <char, std::char_traits<char> >(std::ostream&, char const*)",
     "operator<< <char_traits<char>>"),
    ("bool operator<(A const&, B const&)", "operator<"),
    ("void ns::Functor::operator()<int>(int) const", "operator()<int>"),
    ("void Foo::operator>>=(int)", "operator>>="),
    ("void {lambda(int)#1}::operator()(int) const", "operator()"),
    ("void (anonymous namespace)::Kernel<float>(float*)", "Kernel<float>"),
    ("void f<void (*)(int), 3>(int)", "f<void (*)(int)>"),
])
def test_operator_and_odd_cpp_names(name, short):
    assert short_name(name) == short


@pytest.mark.parametrize("name", [
    "void foo<int(int)",  # unbalanced <
    "void foo<<int>(int)",
    "void foo>int<(int)",  # > before <
    "void foo<int>>(int)",
    "<<<<<<<<<<",
    ">>>>",
    "void Eigen::internal::EigenMetaKernel<Eigen::TensorEvaluator<",  # cut off mid-name
    "{lambda(",
    "()",
    "<script>alert(1)</script>",
])
def test_unbalanced_or_garbage_names_fall_back_to_a_bounded_name(name):
    short = short_name(name)
    assert isinstance(short, str) and len(short) <= MAX_LEN
    assert short  # never empty for a non-empty name


def test_empty_name():
    assert short_name("") == "" and family("") == "other"


def test_very_long_and_deeply_nested_names_are_fast_and_bounded():
    long_name = "void " + "a" * 100_000 + "<int>(int)"
    deep = "void f<" + "x<" * 20_000 + "int" + ">" * 20_001 + "(int)"
    wide = "void f<" + ", ".join(f"T{i}<int>" for i in range(20_000)) + ">(int)"
    began = time.perf_counter()
    results = [short_name(n) for n in (long_name, deep, wide, "<" * 100_000)]
    assert time.perf_counter() - began < 5.0
    assert all(len(r) <= MAX_LEN for r in results)
    assert results[0].startswith("aaaa") and results[0].endswith("…")
    assert results[1].startswith("f<x<") and sys.getrecursionlimit() < 20_000
    assert results[2].startswith("f<T0<int>, T1<int>")
