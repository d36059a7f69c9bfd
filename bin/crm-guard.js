#!/usr/bin/env node
// The command's entry: JavaScript, so Node's compile cache is on before the first TypeScript file is
// read. With the cache warm, Node neither strips the types again nor loads its type stripper.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./crm-guard.ts');
