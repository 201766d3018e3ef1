// @size-limit/file ships no types: its default export is a list of size-limit plugin objects.
declare module '@size-limit/file' {
  const plugins: Array<{ name: string; step60(config: unknown, check: unknown): Promise<void> }>;
  export default plugins;
}
