// Types of strings.js for the TypeScript tests that read the console's words (test/support/catalogue.ts).
export declare const strings: Readonly<Record<'vi' | 'en', Readonly<Record<string, unknown>>>>;
