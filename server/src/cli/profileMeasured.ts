// Placeholder: filled in by the issue that owns this subcommand.
export async function run(_args: string[]): Promise<number> {
  process.stderr.write('ttc-lens profile: not implemented yet\n');
  return 2;
}
