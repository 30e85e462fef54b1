// The guest runtime's web API fixes, installed onto globalThis before the app's module evaluates
// (sdk/build/bundle.ts imports this module first), each only where the engine's is missing or broken
// (spec/runtime.md lists them). Feature detection calls no host import: it runs when the app is
// snapshotted at build time, so the snapshot holds the result and a request pays nothing for it.
import { installAbortFixes } from "./abort.ts";
import { installBase64Errors } from "./base64.ts";
import { installBodyFixes } from "./body.ts";
import { installResponseClone } from "./clone.ts";
import { installCrypto } from "./crypto.ts";
import { installDateString } from "./date-string.ts";
import { installIntl } from "./intl.ts";
import { installNormalize } from "./locale-methods.ts";
import { installNavigator } from "./navigator.ts";
import { installStreamIteration } from "./streams.ts";
import { installTextStreams } from "./text-streams.ts";
import { installTimingSafeEqual } from "./timing-safe-equal.ts";
import { installUrlStatics } from "./url.ts";
import { installURLPattern } from "./urlpattern.ts";

installAbortFixes();
installBodyFixes();
installResponseClone();
installStreamIteration();
installTextStreams();
installNavigator();
installUrlStatics();
installIntl();
installNormalize();
installURLPattern();
installBase64Errors();
installDateString();
installTimingSafeEqual(); // before installCrypto, which then keeps it
installCrypto();
