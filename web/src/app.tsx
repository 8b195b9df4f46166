/** The portal: loads the session state, then shows the page that fits the route and the authentication level. */
import { useEffect, useState } from 'preact/hooks';
import type { PortalSettings, StateResponse, UserInfoResponse } from '../../src/http/api/contract.js';
import { api } from './api/client.js';
import { Loading } from './components/layout.js';
import { Home } from './pages/home.js';
import { Logout } from './pages/logout.js';
import { ResetFinish, ResetStart } from './pages/reset-password.js';
import { Revoke } from './pages/revoke.js';
import { SecondFactor } from './pages/second-factor.js';
import { Settings } from './pages/settings.js';
import { SignIn } from './pages/sign-in.js';
import { navigate, useRoute, withTarget } from './router.js';

export function App({ settings }: { settings: PortalSettings }) {
  const route = useRoute();
  const [state, setState] = useState<StateResponse>();
  const [user, setUser] = useState<UserInfoResponse>();
  const [leaving, setLeaving] = useState(false);

  async function refresh() {
    const s = await api.state();
    const next: StateResponse = s.ok ? s.data : { username: '', authentication_level: 0 };
    if (next.authentication_level >= 1) {
      const u = await api.userInfo();
      setUser(u.ok ? u.data : undefined);
    } else {
      setUser(undefined);
    }
    setState(next);
  }
  useEffect(() => {
    void refresh();
  }, []);

  const target = route.query.get('rd');
  const level = state?.authentication_level ?? 0;
  useEffect(() => {
    // Already fully signed in with a target: go there if the server agrees it is one of ours.
    if (level < 2 || !target || route.path === '/logout' || route.path.startsWith('/settings')) return;
    void api.safeRedirection(target).then((r) => {
      if (r.ok && r.data.ok) {
        setLeaving(true);
        window.location.assign(target);
      }
    });
  }, [level, target, route.path]);

  const signedIn = (redirect?: string) => {
    if (redirect) {
      setLeaving(true);
      window.location.assign(redirect);
      return;
    }
    void refresh();
  };
  const signOut = () => navigate(withTarget('/logout', route.query));

  if (route.path === '/logout') return <Logout route={route} onSignedOut={() => void refresh()} />;
  if (route.path === '/reset-password/step1') return <ResetStart route={route} />;
  if (route.path === '/reset-password/step2') return <ResetFinish route={route} />;
  // The mails' revoke links work signed out (and signed in as anyone): they name what they revoke.
  if (route.path === '/revoke/reset-password') return <Revoke kind="reset-password" route={route} />;
  if (route.path === '/revoke/one-time-code') return <Revoke kind="one-time-code" route={route} />;
  if (!state || leaving) return <Loading />;
  if (level === 0) return <SignIn settings={settings} route={route} onSignedIn={signedIn} />;
  if (!user) return <Loading />;
  if (route.path.startsWith('/settings')) {
    return (
      <Settings
        settings={settings}
        state={state}
        user={user}
        route={route}
        onChanged={() => void refresh()}
      />
    );
  }
  if (level === 1 && (settings.totp || settings.webauthn)) {
    return (
      <SecondFactor settings={settings} route={route} user={user} onVerified={signedIn} onSignOut={signOut} />
    );
  }
  return <Home state={state} user={user} onSignOut={signOut} />;
}
