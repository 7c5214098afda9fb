export declare const FIRST_OPEN_SETTINGS: Readonly<Record<string, unknown>>;
export declare function copyExamples(dest: string, settings?: Record<string, unknown>): string;
