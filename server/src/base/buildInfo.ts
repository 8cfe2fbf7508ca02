/** Facts fixed when Hearth is built. esbuild replaces `__HEARTH_VERSION__` from package.json. */

declare const __HEARTH_VERSION__: string;

export const hearthVersion: string = __HEARTH_VERSION__;
