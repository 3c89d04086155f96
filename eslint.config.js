import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "build/",
      "public/build/",
      ".cache/",
      "test-results/",
      "playwright-report/",
      "extensions/*/assets/*.min.js",
    ],
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
      // One zod major: the v4 API ("zod/v4") everywhere; the plain "zod" entry point is zod 3's API while zod 3.25 is
      // installed (moving the package to zod 4 turns "zod/v4" back into "zod" in one pass).
      "no-restricted-imports": ["error", { paths: [{ name: "zod", message: 'Import "zod/v4": one zod major in the codebase.' }] }],
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
