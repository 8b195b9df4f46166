/** Signs out on arrival, then offers to sign in again (or returns to a safe `rd` target). */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { Button } from '../components/controls.js';
import { Page } from '../components/layout.js';
import { t } from '../i18n/index.js';
import { navigate, type Route } from '../router.js';

export function Logout(props: { route: Route; onSignedOut: () => void }) {
  const [done, setDone] = useState(false);
  const target = props.route.query.get('rd') ?? undefined;
  useEffect(() => {
    void api.logout(target).then((r) => {
      props.onSignedOut();
      if (r.ok && r.data?.safeTargetURL && target) {
        window.location.assign(target);
        return;
      }
      setDone(true);
    });
  }, []);
  if (!done) {
    return (
      <Page title={t('logout.redirecting')}>
        <p class="muted">{t('app.loading')}</p>
      </Page>
    );
  }
  return (
    <Page title={t('logout.title')} subtitle={t('logout.body')}>
      <Button class="btn-block" onClick={() => navigate('/', { replace: true })}>
        {t('logout.again')}
      </Button>
    </Page>
  );
}
