// SVG files imported as strings (the labextension builder loads them as source).
declare module "*.svg" {
  const svgstr: string;
  export default svgstr;
}
