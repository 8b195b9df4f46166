/** "You're signed in as …": where to go next (the target or the default app), settings, sign out. */
import type { StateResponse, UserInfoResponse } from '../../../src/http/api/contract.js';
import { Button } from '../components/controls.js';
import { Page } from '../components/layout.js';
import { t } from '../i18n/index.js';
import { hostOf, navigate } from '../router.js';

export function Home(props: {
  state: StateResponse;
  user: UserInfoResponse | undefined;
  onSignOut: () => void;
}) {
  const name = props.user?.display_name || props.state.username;
  const next = props.state.default_redirection_url;
  return (
    <Page title={t('home.title')}>
      <div class="identity identity-large">
        <span class="avatar avatar-large" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
        <div>
          <p class="identity-name">{t('home.signedInAs', { name })}</p>
          <p class="muted">
            <span class={`badge badge-${props.state.authentication_level}`}>
              {props.state.authentication_level >= 2 ? t('home.level.2') : t('home.level.1')}
            </span>
          </p>
        </div>
      </div>
      <div class="stack">
        {next ? (
          <a class="btn btn-primary btn-block" href={next}>
            {t('home.continue', { host: hostOf(next) })}
          </a>
        ) : null}
        <Button variant="secondary" class="btn-block" onClick={() => navigate('/settings')}>
          {t('home.settings')}
        </Button>
        <Button variant="ghost" class="btn-block" onClick={props.onSignOut}>
          {t('home.signout')}
        </Button>
      </div>
    </Page>
  );
}
