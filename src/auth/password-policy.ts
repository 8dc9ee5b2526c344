/** At least 8 characters with a letter and a digit, at most 200; not the login itself. */
export function passwordProblem(password: string, login?: string): 'weak' | null {
  if (password.length < 8 || password.length > 200) return 'weak';
  if (!/\p{L}/u.test(password) || !/\d/.test(password)) return 'weak';
  if (login && password.toLowerCase() === login.toLowerCase()) return 'weak';
  return null;
}

export function isEmail(value: string): boolean {
  return value.length <= 200 && /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]{2,}$/.test(value);
}

/**
 * Errors of a "new password, repeat it" pair, as every form that sets a password shows them:
 * required, strong enough (not the login itself), and the repeat matching.
 */
export function newPasswordErrors(
  input: { password: string; repeat: string; login?: string | undefined },
  t: { required: string; register: { weakPassword: string; mismatch: string } },
): { password?: string; passwordRepeat?: string } {
  const errors: { password?: string; passwordRepeat?: string } = {};
  if (!input.password) errors.password = t.required;
  else if (passwordProblem(input.password, input.login)) errors.password = t.register.weakPassword;
  if (!input.repeat) errors.passwordRepeat = t.required;
  else if (input.password && input.password !== input.repeat) errors.passwordRepeat = t.register.mismatch;
  return errors;
}
