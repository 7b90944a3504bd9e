import { cdk8s, javascript, JsonFile, ReleasableCommits } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-netpol',
  description:
    'Intent-level Kubernetes NetworkPolicy constructs for cdk8s, with a reachability engine, test helpers and a linter.',
  author: 'cdk8s-netpol developers',
  authorAddress: 'dev@cdk8s-netpol.local',
  repositoryUrl: 'https://github.com/cdk8s-netpol/cdk8s-netpol.git',
  keywords: ['cdk8s', 'kubernetes', 'networkpolicy', 'zero-trust', 'security'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // What CI runs and the toolchain needs (jsii 5.9, typescript 5.9); the library itself uses nothing newer.
  minNodeVersion: '20.0.0',
  // Several dev dependencies declare Node 22; the workflows build with it.
  workflowNodeVersion: '22.x',

  // cdk8s 2.x / constructs 10.x: projen's template default (1.x / 3.x) is no longer served.
  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',

  // No cdk8s-plus peer: workloads and Services are read from what they synthesize, so any major (or none) works.
  devDeps: [
    'cdk8s-plus-28@2.5.6',
    // The newest published cdk8s-plus major, installed beside 28: workloads of both must work without a cast.
    'cdk8s-plus-34@2.0.54',
    'fast-check@^3.23.0',
    'kubernetes-models@^4.5.1',
    '@types/node@^20',
    'ts-node@^10.9.2',
    // A CommonMark parser: the forged-output tests check that Markdown output renders no HTML, image or link.
    'commonmark@^0.31.0',
    // The real cdk8s CLI: .ci/run synthesizes a fixture project with the NetpolLintValidation plugin.
    'cdk8s-cli@^2.207.0',
  ],
  // Not jsii modules: bundled, and never part of the public API.
  bundledDeps: ['yaml@^2.6.0'],

  bin: { 'cdk8s-netpol': 'bin/cdk8s-netpol' },

  jestOptions: {
    jestVersion: '^29',
    // The test task must fail on a changed snapshot; `npx projen test:update` updates them on purpose.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      collectCoverage: false,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
  },

  tsconfigDev: { include: ['../examples/**/*.ts', '../bench/**/*.ts'], compilerOptions: {} },
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'examples', 'bench', 'projenrc'] },

  // jsii targets. Publishing is the release workflow's job; CI here generates the bindings only.
  publishToPypi: { distName: 'cdk8s-netpol', module: 'cdk8s_netpol' },
  publishToMaven: {
    javaPackage: 'io.github.cdk8s_netpol',
    mavenGroupId: 'io.github.cdk8s-netpol',
    mavenArtifactId: 'cdk8s-netpol',
  },
  publishToNuget: { dotNetNamespace: 'Cdk8sNetpol', packageId: 'Cdk8sNetpol' },
  publishToGo: { moduleName: 'github.com/cdk8s-netpol/cdk8s-netpol-go' },

  releasableCommits: ReleasableCommits.featuresAndFixes(),
  githubOptions: { mergify: false },
  depsUpgrade: false,
});

// jsii must not silence reserved-word warnings: a prop named `from` or `default` breaks other languages.
project.compileTask.reset('jsii --fail-on-warnings');

// The registry this project installs from lacks some platform bindings of unrs-resolver 1.13 (an optional dependency
// of eslint-import-resolver-typescript), which leaves package-lock.json unusable by `npm ci`; 1.12.2 is complete.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// CIDR arithmetic and the engine's bitsets are bitwise by nature.
project.eslint?.addRules({ 'no-bitwise': 'off' });

// eslint's TypeScript project service takes the nearest tsconfig.json: give examples/ and bench/ one each.
for (const dir of ['examples', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts', '../src/**/*.ts', '../test/**/*.ts'] },
  });
}

project.addTask('example', {
  description: 'Synthesize the secure-app example to dist/secure-app and print its allowed flows',
  exec: 'ts-node --project test/tsconfig.json examples/secure-app/main.ts',
});

project.addTask('example:platform', {
  description: 'Synthesize the platform example (three zero-trust environments, ingress-nginx, Prometheus) to dist/platform and print its checked flows',
  exec: 'ts-node --project test/tsconfig.json examples/platform/main.ts',
});

project.addTask('example:guardrails', {
  description: 'Synthesize the platform example under cluster guardrails, as ClusterNetworkPolicies and as NetworkPolicies, to dist/guardrails and print checked flows',
  exec: 'ts-node --project test/tsconfig.json examples/guardrails/main.ts',
});

project.addTask('bench', {
  description: 'Benchmarks (synthesis, reachability engine, output economy, scale rows): prints a table and writes docs/benchmarks.md',
  exec: 'ts-node --project test/tsconfig.json bench/run.ts',
});
project.addTask('bench:scale', {
  description: 'Only the scale rows of the benchmarks (lint, connections, diff at 50,000 pods): updates their section of docs/benchmarks.md',
  exec: 'ts-node --project test/tsconfig.json bench/scale/run.ts',
});
project.addTask('bench:replay', {
  description: 'Only the replay row of the benchmarks (200,000 flow lines against the JSON-parse floor): updates its section of docs/benchmarks.md',
  exec: 'ts-node --project test/tsconfig.json bench/replay/run.ts',
});

project.gitignore.exclude('/test-reports/', '/coverage/', '.jsii.tabl.json', '/bench/out/');
// docs/ ships: the CLI's help points to docs/RULES.md and docs/cli.md.
project.npmignore?.exclude('/examples/', '/bench/', '/.ci/', '/rosetta/');

project.synth();
