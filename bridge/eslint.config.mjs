// This folder's lint (not n8n's community rules, which the root config applies to the package).
import { serverConfig } from '../eslint.servers.config.mjs';

export default serverConfig(import.meta.dirname);
