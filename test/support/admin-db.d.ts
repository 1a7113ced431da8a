export declare const serverUrl: () => string | undefined;
export declare const TEMPLATE_DB: string;
export declare function adminQuery(url: string, sql: string): Promise<void>;
