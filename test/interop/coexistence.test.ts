import * as kplus from 'cdk8s-plus-28';
import { PodSecurityLevel, PodSelection, Port, Tier, TierAccess, ZeroTrustNamespace } from '../../src';
import { errorOf, newChart, synth } from '../util/synth';

describe('next to cdk8s-plus objects', () => {
  test('a ZeroTrustNamespace adopts the Namespace the app already defines, whatever the order', () => {
    for (const zeroTrustFirst of [true, false]) {
      const chart = newChart({ namespace: 'shop' });
      if (zeroTrustFirst) new ZeroTrustNamespace(chart, 'zt', { name: 'shop' });
      new kplus.Namespace(chart, 'shop-ns', { metadata: { name: 'shop', labels: { team: 'a' } } });
      if (!zeroTrustFirst) new ZeroTrustNamespace(chart, 'zt', { name: 'shop' });
      const namespaces = synth(chart).filter((o) => o.kind === 'Namespace');
      expect(namespaces).toHaveLength(1);
      expect(namespaces[0].metadata.labels).toEqual({ team: 'a' });
      expect(synth(chart).filter((o) => o.metadata.name === 'shop-default-deny')).toHaveLength(1);
    }
  });

  test('with labels to set, it fails with the fix instead of emitting a second Namespace', () => {
    const message = errorOf((chart) => {
      new kplus.Namespace(chart, 'shop-ns', { metadata: { name: 'shop' } });
      new ZeroTrustNamespace(chart, 'zt', { name: 'shop', podSecurity: { enforce: PodSecurityLevel.RESTRICTED } });
    });
    expect(message).toMatch(/\[test\/zt\] the app already defines Namespace shop at test\/shop-ns\/Resource.*Fix: set createNamespace: false here and put the labels and Pod Security levels on test\/shop-ns\/Resource/);
  });

  test('a cdk8s-plus NetworkPolicy with the name of one of ours fails synthesis, naming both', () => {
    const message = errorOf((chart) => {
      new ZeroTrustNamespace(chart, 'zt', { name: 'shop' });
      const web = new Tier(chart, 'web', { pods: PodSelection.labels({ app: 'web' }) });
      const api = new Tier(chart, 'api', { pods: PodSelection.labels({ app: 'api' }) });
      new TierAccess(chart, 'flows', { flows: [{ source: web, destination: api, ports: [Port.tcp(80)] }] });
      new kplus.NetworkPolicy(chart, 'legacy', { metadata: { name: 'api-flows' }, selector: kplus.Pods.select(chart, 'p', { labels: { app: 'api' } }) });
    });
    expect(message).toMatch(/\[test\/api, test\/flows\] NetworkPolicy shop\/api-flows is also emitted by test\/legacy\/Resource.*Fix: rename one/);
  });
});
