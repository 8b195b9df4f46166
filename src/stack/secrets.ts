/** Recognises tutorial placeholder secrets ("your_password", "change_me", "use_a_random_64_char_string_here"). */

const PLACEHOLDER =
  /^(your[_-]?\w*|my[_-]?(secret|password)\w*|change[_-]?(me|this|it)\w*|replace[_-]?(me|this)\w*|\w*_here|use_a_random\w*|another_random\w*|secure_?password|super_?secret\w*|password1?2?3?|secret|example\w*|placeholder\w*|xxx+|todo|insecure\w*|admin|test|letmein|s3cr3t)$/i;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}
