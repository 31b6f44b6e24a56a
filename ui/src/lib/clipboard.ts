/**
 * Copies text. The Clipboard API exists only on secure pages (https, localhost); on a plain
 * http address in the home network the selected field is copied the old way instead.
 */
export async function copyText(text: string, field: HTMLInputElement | undefined): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused: fall through to the selection.
    }
  }
  if (!field) return false;
  field.focus();
  field.select();
  return document.execCommand('copy');
}
