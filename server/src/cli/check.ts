// Placeholder: the foundation issue implements `ttc-lens check`.
export async function run(_args: string[]): Promise<number> {
  process.stderr.write('ttc-lens check: not implemented yet\n');
  return 2;
}
