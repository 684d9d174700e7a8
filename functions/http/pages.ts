/**
 * The citizen pages, rendered by the functions (answers to form posts) and, for the static form
 * and status pages, at synth and by the local stack: one code for both.
 */
export { escapeHtml, layout, type LanguageSwitch } from './pages/layout.ts';
export { receiptGonePage, receiptPath, tipFormPage, tipReceiptPage, tipReceiptText, type FormValues, type TipReceipt } from './pages/tip-pages.ts';
export {
  invalidSubmissionPage,
  messagePage,
  statusFormPage,
  tipMessageAddedPage,
  tipStatusPage,
  type TipStatusPageOptions,
  type TipStatusPageView,
} from './pages/status-pages.ts';
