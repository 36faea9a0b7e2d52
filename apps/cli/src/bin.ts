// Development entry: `pnpm odeon ...` runs the CLI from source (via tsx and the @odeon/source condition).
import { run } from './main.ts';

process.exitCode = await run(process.argv.slice(2));
