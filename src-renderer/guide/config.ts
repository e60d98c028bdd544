/**
 * Build-time settings of the online guide, from guide.config.json (or the file named by
 * GUIDE_CONFIG when building; see vite.config.mts). `completionCountUrl` empty: nothing is sent.
 */
export interface GuideConfig {
  completionCountUrl: string;
  timeZone: string;
  /** The city hall's extra closed days (YYYY-MM-DD), as in the terminals' config `closedDays`. */
  closedDays: string[];
}

declare const __GUIDE_CONFIG__: GuideConfig | undefined;

export const guideConfig: GuideConfig = typeof __GUIDE_CONFIG__ !== 'undefined' ? __GUIDE_CONFIG__ : { completionCountUrl: '', timeZone: 'Asia/Tokyo', closedDays: [] };
