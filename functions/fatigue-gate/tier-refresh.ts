// Placeholder entry so the CDK app can bundle it; the owning issue replaces this file.
export const handler = async (): Promise<void> => {};
