/** Password policy (standard or zxcvbn) for reset and change password. */
export {
  createPasswordPolicy,
  type PasswordPolicy,
  type PolicyDescription,
  type PolicyMode,
  type PolicyVerdict,
} from './policy.js';
