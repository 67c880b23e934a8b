/** Typed errors: each names the file, layer or field at fault so a user can act on it. */

export class XaiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A model file (model.json, a weight shard, an upload) is malformed, missing or inconsistent. */
export class InvalidModelError extends XaiError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** The model has a layer (or layer configuration) the engine has no propagator for. */
export class UnsupportedLayerError extends XaiError {
  constructor(
    readonly layerName: string,
    readonly layerClass: string,
    readonly supported: readonly string[],
    detail?: string,
  ) {
    super(
      `layer '${layerName}' of class ${layerClass} is not supported` +
        (detail ? ` (${detail})` : '') +
        `; supported classes: ${[...supported].sort().join(', ')}`,
    );
  }
}

/** Caller passed an option or input that cannot work (bad target, wrong input shape, unknown rule…). */
export class InvalidArgumentError extends XaiError {}

/** The requested tfjs backend is not installed or failed to initialise. */
export class BackendError extends XaiError {}
