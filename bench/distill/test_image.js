// The deterministic colour test image both tfjs checks feed (tfjs_outputs.js, tfjs_graph_outputs.js): a smooth
// pattern with structure at many scales; [height, width, 3] float32, RGB in [0, 1].
'use strict';

function testImage(height, width) {
  const data = new Float32Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / 224, v = y / 224;
      const rgb = [
        0.5 + 0.3 * Math.sin(2 * Math.PI * (3 * u + 1.5 * v)) + 0.2 * Math.cos(40 * u * v),
        0.5 + 0.4 * Math.cos(2 * Math.PI * (5 * v - 2 * u * u)),
        0.5 + 0.25 * Math.sin(2 * Math.PI * 9 * Math.hypot(u - 0.4, v - 0.6)) + 0.2 * (u - v),
      ];
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.min(1, Math.max(0, rgb[c]));
    }
  }
  return data;
}


module.exports = { testImage };
