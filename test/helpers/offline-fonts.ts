/**
 * Jest setup (jest.config.js setupFiles): tests never ask the real Google Fonts. A font name no
 * bundled or installed font has falls back to DejaVu Sans with a warning, as with
 * REELAY_GOOGLE_FONTS=0 in production; test/renderer/fonts.test.ts turns Google Fonts on against a
 * stand-in server on loopback.
 */
process.env.REELAY_GOOGLE_FONTS ??= 'off';
