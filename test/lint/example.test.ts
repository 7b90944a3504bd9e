import { Testing } from 'cdk8s';
import { lintJson, ruleIds } from './util';
import { SecureApp } from '../../examples/secure-app/app';

/** The synthesized secure-app example, as plain objects a test may change. */
function secureApp(): any[] {
  const chart = new SecureApp(Testing.app(), 'secure-app');
  return JSON.parse(JSON.stringify(chart.toJson()));
}

function find(objects: any[], kind: string, name: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the example`);
  return found;
}

const netpol = (objects: any[], name: string) => find(objects, 'NetworkPolicy', name);
const podLabels = (objects: any[], name: string) => find(objects, 'Deployment', name).spec.template.metadata.labels;

interface Mistake {
  readonly mistake: string;
  readonly expected: string[];
  readonly inject: (objects: any[]) => any[];
  readonly options?: { podCidrs?: string[] };
}

const MISTAKES: Mistake[] = [
  {
    mistake: 'no policy at all',
    expected: ['NP001', 'NP002'],
    inject: (o) => o.filter((x) => x.kind !== 'NetworkPolicy'),
  },
  {
    mistake: 'a default-deny that breaks DNS',
    expected: ['NP003'],
    inject: (o) => {
      delete netpol(o, 'secure-app-default-deny').spec.egress;
      return o;
    },
  },
  {
    mistake: 'egress forgotten in the default-deny',
    expected: ['NP002', 'NP003'],
    inject: (o) => {
      const spec = netpol(o, 'secure-app-default-deny').spec;
      spec.policyTypes = ['Ingress'];
      delete spec.egress;
      return o;
    },
  },
  {
    mistake: 'a policy whose podSelector selects nothing',
    expected: ['NP004'],
    inject: (o) => {
      const typo = JSON.parse(JSON.stringify(netpol(o, 'backend-flows')));
      typo.metadata.name = 'backend-external';
      typo.spec = { podSelector: { matchLabels: { app: 'backnd' } }, policyTypes: ['Egress'], egress: [typo.spec.egress[0]] };
      return [...o, typo];
    },
  },
  {
    mistake: 'a peer that matches nothing',
    expected: ['NP005'],
    inject: (o) => {
      netpol(o, 'backend-flows').spec.ingress[0].from.push({ podSelector: { matchLabels: { app: 'frontnd' } } });
      return o;
    },
  },
  {
    mistake: 'namespaceSelector and podSelector split into two peers',
    expected: ['NP006'],
    inject: (o) => {
      const rule = netpol(o, 'secure-app-default-deny').spec.egress[0];
      const [{ namespaceSelector, podSelector }] = rule.to;
      rule.to = [{ namespaceSelector }, { podSelector }];
      return o;
    },
  },
  {
    mistake: 'namespaceSelector and podSelector merged into one peer',
    expected: ['NP007'],
    inject: (o) => {
      const monitoring = JSON.parse(JSON.stringify(find(o, 'Deployment', 'frontend')));
      monitoring.metadata = { name: 'prometheus', namespace: 'monitoring' };
      monitoring.spec.template.metadata.labels = { app: 'prometheus' };
      const deny = JSON.parse(JSON.stringify(netpol(o, 'secure-app-default-deny')));
      deny.metadata = { name: 'default-deny', namespace: 'monitoring' };
      netpol(o, 'database-flows').spec.ingress[0].from.push({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { app: 'frontend' } },
      });
      return [...o, monitoring, deny];
    },
  },
  {
    mistake: 'ingress: [{}] (allow all)',
    expected: ['NP008'],
    inject: (o) => {
      netpol(o, 'database-flows').spec.ingress.push({});
      return o;
    },
  },
  {
    mistake: 'namespaceSelector: {} alone',
    expected: ['NP009'],
    inject: (o) => {
      netpol(o, 'database-flows').spec.ingress[0].from.push({ namespaceSelector: {} });
      return o;
    },
  },
  {
    mistake: '0.0.0.0/0 without ports',
    expected: ['NP010'],
    inject: (o) => {
      const rule = netpol(o, 'backend-flows').spec.egress[0];
      rule.to = [{ ipBlock: { cidr: '0.0.0.0/0' } }];
      delete rule.ports;
      return o;
    },
  },
  {
    mistake: 'DNS allowed as any destination on port 53',
    expected: ['NP011'],
    inject: (o) => {
      delete netpol(o, 'secure-app-default-deny').spec.egress[0].to;
      return o;
    },
  },
  {
    mistake: 'an ipBlock over the pod CIDR',
    expected: ['NP012'],
    options: { podCidrs: ['10.244.0.0/16'] },
    inject: (o) => {
      netpol(o, 'backend-flows').spec.egress[0].to[0].ipBlock.cidr = '10.0.0.0/8';
      return o;
    },
  },
  {
    mistake: 'a named port no destination declares',
    expected: ['NP013'],
    inject: (o) => {
      netpol(o, 'database-flows').spec.ingress[0].ports.push({ port: 'postgresql', protocol: 'TCP' });
      return o;
    },
  },
  {
    mistake: 'a half-open flow (egress to the wrong port)',
    // The backend does not serve 8080 either (NP017, a warning: no Service maps it).
    expected: ['NP014', 'NP017'],
    inject: (o) => {
      netpol(o, 'frontend-flows').spec.egress[0].ports[0].port = 8080;
      return o;
    },
  },
  {
    mistake: 'a redundant copy of a policy',
    expected: ['NP015'],
    inject: (o) => {
      const copy = JSON.parse(JSON.stringify(netpol(o, 'database-flows')));
      copy.metadata.name = 'database-flows-old';
      return [...o, copy];
    },
  },
];

describe('the secure-app example', () => {
  test('gives no finding', () => {
    const r = lintJson(secureApp());
    expect(r.findings).toEqual([]);
    expect(r.suppressed).toEqual([]);
  });

  test('gives no finding when the cluster ranges are given', () => {
    expect(lintJson(secureApp(), { podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] }).findings).toEqual([]);
  });

  test.each(MISTAKES.map((m) => [m.mistake, m] as const))('with %s injected gives the expected finding', (_m, m) => {
    const r = lintJson(m.inject(secureApp()), m.options);
    expect(ruleIds(r)).toEqual(m.expected);
  });

  test('the workloads of the example carry the labels the mistakes rely on', () => {
    expect(podLabels(secureApp(), 'frontend')).toMatchObject({ app: 'frontend' });
  });
});
