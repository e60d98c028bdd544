/**
 * A station is known by its site and its id: since station claims are per site, two buildings of
 * one municipality (本庁舎, a 支所) may both number a station "east". Wherever a supervisor's
 * figures hold more than one site, every station is named with its site; a one-site report reads
 * as it always has.
 */
export interface SitedStation {
  station: string;
  /** Absent in reports stored before sites were kept (one site). */
  site?: string;
}

/** The grouping key of a station: its site and its id. */
export function stationKey(site: string | undefined, station: string): string {
  return `${site ?? ''}\u0000${station}`;
}

/** The distinct sites named by these rows. */
export function sitesOf(rows: Iterable<SitedStation>): Set<string> {
  const out = new Set<string>();
  for (const r of rows) if (r.site !== undefined) out.add(r.site);
  return out;
}

export interface StationLabelOptions {
  stationNames?: Readonly<Record<string, string>>;
  siteNames?: Readonly<Record<string, string>>;
  /** Joins a station's name and its site's (the exports: 東口（本庁舎）). */
  format?: (station: string, site: string) => string;
}

/**
 * Labels for stations of one report: the configured name (or the id); with its site's name (or id)
 * when `rows` hold more than one site.
 */
export function stationLabeller(rows: Iterable<SitedStation>, opts: StationLabelOptions = {}): (s: SitedStation) => string {
  const manySites = sitesOf(rows).size > 1;
  const format = opts.format ?? ((station, site) => `${station}（${site}）`);
  return (s) => {
    const name = opts.stationNames?.[s.station] ?? s.station;
    if (!manySites || s.site === undefined) return name;
    return format(name, opts.siteNames?.[s.site] ?? s.site);
  };
}
