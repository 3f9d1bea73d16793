// The dashboard's lint: its sources (TypeScript and TSX components) only, never the vite build.
import { serverConfig } from '../eslint.servers.config.mjs';

export default serverConfig(import.meta.dirname, { files: ['src/**/*.{ts,tsx}'] });
