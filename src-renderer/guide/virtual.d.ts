declare module 'virtual:guide-catalog' {
  const catalog: unknown;
  export default catalog;
}
