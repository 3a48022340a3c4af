// prepack, after the build: bundles the validate fast path (dist/cli/validate-fast.js with zod, yaml, the
// playbook loader and the action schemas) into one file, dist/fast/validate.js, which bin/run.js imports
// when present. Resolving, reading and compiling ~220 small modules (95 of zod, 72 of yaml) was most of
// what `lockdown validate FILE` still spent after it stopped loading oclif. Only prepack bundles: a
// checkout (npm run build, bin/dev.js) runs the modules themselves, and postpack removes dist/fast.
//
// What validate never loads stays out: every dynamic import() (the AWS SDK clients, the forensics
// collector) is left to Node at run time, pointing at the same module in dist/ or node_modules. The
// bundle sits two levels down like every dist/ module, so SHIPPED_DIR (import.meta.url + ../../playbooks)
// is still the package's playbooks/. Identifiers are not minified: error classes name themselves
// (`this.name = new.target.name`) and that name is in the --json envelope.
import {build} from 'esbuild'
import {dirname, isAbsolute, relative, resolve} from 'node:path'

const OUT = resolve('dist/fast/validate.js')

/** Dynamic imports stay imports, rewritten relative to the bundle (bare package names are kept). */
const lazyImportsStayLazy = {
  name: 'lazy-imports-stay-lazy',
  setup(b) {
    b.onResolve({filter: /.*/}, (args) => {
      if (args.kind !== 'dynamic-import') return undefined
      if (!args.path.startsWith('.') && !isAbsolute(args.path)) return {path: args.path, external: true}
      const target = relative(dirname(OUT), resolve(args.resolveDir, args.path)).replaceAll('\\', '/')
      return {path: target.startsWith('.') ? target : `./${target}`, external: true}
    })
  },
}

const result = await build({
  entryPoints: ['dist/cli/validate-fast.js'],
  outfile: OUT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  plugins: [lazyImportsStayLazy],
  // yaml is CommonJS and requires Node built-ins; an ES module bundle has no `require` of its own.
  banner: {js: "import {createRequire as __lockdownRequire} from 'node:module';const require=__lockdownRequire(import.meta.url);"},
  logLevel: 'warning',
  metafile: true,
})
const inputs = Object.keys(result.metafile.inputs).length
console.log(`bundled ${inputs} modules into ${relative(process.cwd(), OUT)} (${(result.metafile.outputs[relative(process.cwd(), OUT)]?.bytes ?? 0) >> 10} KiB)`)
