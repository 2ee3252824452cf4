/**
 * Node module hooks that run this repository's TypeScript in a child process, the way the
 * compiler builds it: `@shuzhi/*` to the libraries' sources, `./x.js` to `./x.ts`, and each file
 * transpiled with the project's decorator settings. tsx cannot stand in: esbuild emits no
 * decorator metadata, which Nest's injection and code-first GraphQL read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = new URL('../../../', import.meta.url);
const OPTIONS = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  sourceMap: false,
  inlineSourceMap: true,
};

export async function resolve(specifier, context, nextResolve) {
  const library = /^@shuzhi\/([a-z-]+)$/.exec(specifier);
  if (library) return { url: new URL(`libs/${library[1]}/src/index.ts`, ROOT).href, shortCircuit: true };
  if ((specifier.startsWith('.') || specifier.startsWith('/')) && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const { outputText } = ts.transpileModule(readFileSync(path, 'utf8'), { compilerOptions: OPTIONS, fileName: path });
  return { format: 'module', source: outputText, shortCircuit: true };
}
