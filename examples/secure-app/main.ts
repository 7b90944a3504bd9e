import * as path from 'path';
import { App } from 'cdk8s';
import { SecureApp } from './app';

// Synthesizes the example to dist/secure-app/ (one YAML file) and prints the flows its policies allow.
const outdir = path.join(__dirname, '..', '..', 'dist', 'secure-app');
const app = new App({ outdir });
new SecureApp(app, 'secure-app');
app.synth();
console.log(`Wrote ${path.relative(process.cwd(), outdir)}/secure-app.k8s.yaml`);
