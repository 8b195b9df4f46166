/** Shape of `access_control` as Authelia writes it. */
import { any, list, obj, str } from './spec.js';

export const accessControlSpec = obj({
  default_policy: str(),
  networks: list(obj({ name: str(), networks: list(str()) })),
  rules: list(
    obj({
      domain: list(str()),
      // Regex fields are never split on commas (a regex such as `a{1,3}` contains one); see docs/configuration.md.
      domain_regex: list(str(), { split: false }),
      policy: str(),
      subject: { kind: 'subjects' },
      networks: list(str()),
      resources: list(str(), { split: false }),
      methods: list(str()),
      query: list(list(obj({ operator: str(), key: str(), value: any() }))),
    }),
  ),
});
