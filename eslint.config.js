import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["node_modules/", "build/", "public/build/", ".cache/", "test-results/", "playwright-report/", "extensions/*/assets/*.min.js"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node, ...globals.browser },
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
      // One zod major: zod 4, imported as "zod" everywhere (its "zod/v4" and "zod/v3" entry points are refused).
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "zod/v4", message: 'Import "zod": one zod major in the codebase.' },
            { name: "zod/v3", message: 'Import "zod": one zod major in the codebase.' },
          ],
        },
      ],
    },
  },
  {
    // Command-line scripts, benchmarks and the storefront script talk to a terminal or a browser console.
    files: ["scripts/**", "bench/**", "server.mjs", "extensions/**", "tests/**"],
    rules: { "no-console": "off" },
  },
  {
    files: ["extensions/**/*.js", "public/**/*.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser, ...globals.serviceworker } },
  },
);
