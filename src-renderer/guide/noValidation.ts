/**
 * Stands in for the schema library in the phone bundle only (vite.config.mts aliases `zod` here).
 * The guide's catalog is loaded and validated by the real parser when the site is built; on the
 * phone the question flow only reads one helper from the parser module, whose schema definitions
 * still run at load time. They build these inert placeholders instead of ~45 KiB of validator.
 * Any attempt to actually validate throws, so nothing can pass unchecked by accident.
 */
const refuse = () => {
  throw new Error('schema validation is not part of the online guide bundle (the catalog is checked at build time)');
};

const inert: unknown = new Proxy(function () {}, {
  get: (_t, key) => (key === 'parse' || key === 'safeParse' || key === 'parseAsync' || key === 'safeParseAsync' ? refuse : key === Symbol.toPrimitive ? () => '' : inert),
  apply: () => inert,
});

export const z = inert;
export default inert;
