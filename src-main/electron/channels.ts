/**
 * The one IPC pipe between renderer and main. Kept free of imports: the sandboxed preload bundles
 * it, and a sandboxed preload may load nothing but `electron`.
 */
export const CALL_CHANNEL = 'madoguchi:call';
export const PUSH_CHANNEL = 'madoguchi:push';

/** Our own pages are served from this origin and nothing else (see protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'madoguchi';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
