export declare const cliDir: string;
export declare const bundlePath: string;
/** Whether cli/dist/ holds a bundle built after the last change to the CLI's sources. */
export declare function bundleIsCurrent(): boolean;
