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
