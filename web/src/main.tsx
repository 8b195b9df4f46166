/** Entry point: settings from the server's <body data-settings>, the user's language, then the app. */
import { render } from 'preact';
import { setBasePath } from './api/client.js';
import { App } from './app.js';
import { selectLocale } from './i18n/index.js';
import { setRouterBase } from './router.js';
import { readSettings } from './settings.js';
import './styles.css';

const settings = readSettings(document.body.dataset['settings']);
document.documentElement.lang = selectLocale(navigator.languages ?? [navigator.language]);
setBasePath(settings.basePath);
setRouterBase(settings.basePath);
render(<App settings={settings} />, document.getElementById('app')!);
