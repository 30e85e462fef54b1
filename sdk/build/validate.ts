// The build's check of what it made: a component's world read with jco and checked against the host's
// allow-list (core/component/validate.ts), or, for a component that differs from an already validated
// one only in its data (wrapper.ts), that one's recorded world checked again (rules may have changed).
import { checkWorld, ComponentError, validateComponent, type ComponentInfo } from "../../core/component/validate.ts";
import { BuildError } from "./errors.ts";

const asBuildError = (what: string, err: unknown) =>
  err instanceof ComponentError ? new BuildError("validate", `${what}: ${err.message}`, { cause: err }) : err;

/** Reads and checks the world of `bytes`; `what` names it in the error. */
export async function validateBuilt(bytes: Uint8Array, what: string): Promise<ComponentInfo> {
  try {
    return await validateComponent(bytes);
  } catch (err) {
    throw asBuildError(what, err);
  }
}

/** Checks a recorded world again, without reading any bytes. */
export function checkBuilt(info: ComponentInfo, what: string): ComponentInfo {
  try {
    checkWorld(info);
    return info;
  } catch (err) {
    throw asBuildError(what, err);
  }
}
