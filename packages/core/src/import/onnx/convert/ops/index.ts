/** The operator converters core registers (plugins add more through `registerOnnxOp`). */
import './linear.js';
import './elementwise.js';
import './pooling.js';
import './shape.js';
import './resize.js';
