declare module 'virtual:guide-catalog' {
  const catalog: unknown;
  export default catalog;
}

/** The catalog texts a published version (or a city's own folder) changes, per language: one chunk each, loaded with the language. */
declare module 'virtual:guide-catalog-texts' {
  const texts: Record<string, () => Promise<{ default: Record<string, string> }>>;
  export default texts;
}
