/**
 * Typed errors of the ONNX reader. Each is an InvalidModelError (so callers that already handle bad
 * model files handle these) and names the file and the protobuf field, tensor or node at fault.
 */
import { InvalidModelError } from '../../errors.js';

/** Base class: `file` is the model (or external-data) file, `field` the protobuf path at fault. */
export class OnnxModelError extends InvalidModelError {
  constructor(
    file: string,
    readonly field: string,
    detail: string,
  ) {
    super(file, `${field}: ${detail}`);
  }
}

/** The bytes are not a valid ModelProto (malformed or truncated protobuf, inconsistent tensor sizes). */
export class OnnxFormatError extends OnnxModelError {}

/** External tensor data is missing, out of range, or points outside the model's folder. */
export class OnnxExternalDataError extends OnnxModelError {}

/** A declared tensor shape has more elements than the configured cap allows to allocate. */
export class OnnxShapeTooLargeError extends OnnxModelError {
  constructor(
    file: string,
    field: string,
    readonly shape: readonly (number | string)[],
    readonly limit: number,
  ) {
    super(file, field, `declared shape [${shape.join(', ')}] exceeds the limit of ${limit} elements`);
  }
}

/** A tensor or value declares an element type this reader does not know. */
export class OnnxDtypeError extends OnnxModelError {}

/** The node graph is inconsistent: an input nobody produces, a cycle, a value produced twice. */
export class OnnxGraphError extends OnnxModelError {}

/** The model imports a version of the default ONNX operator set outside what the importer supports. */
export class OnnxOpsetError extends OnnxModelError {}

/** Normalisation met a node it cannot interpret (e.g. a static parameter that is not constant). */
export class OnnxNodeError extends OnnxModelError {
  constructor(
    file: string,
    readonly nodeName: string,
    readonly opType: string,
    detail: string,
  ) {
    super(file, `node '${nodeName}' (${opType})`, detail);
  }
}
