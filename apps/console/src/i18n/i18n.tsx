import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { MESSAGES, type Language, type MessageKey } from './messages.js';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  t: Translate;
  /** A date and time in the reader's own time zone. */
  dateTime: (iso: string | null | undefined) => string;
  toggle: () => void;
}

const LANGUAGE_KEY = 'shuzhi.console.language';
const I18nContext = createContext<I18n | null>(null);

export const I18nProvider = ({ children }: { children: ReactNode }) => {
  const [language, setLanguage] = useState<Language>(() => (localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh'));
  const value = useMemo<I18n>(() => {
    const format = new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
    return {
      language,
      t: (key, params = {}) => MESSAGES[language][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? '')),
      dateTime: (iso) => (iso ? format.format(new Date(iso)) : '—'),
      toggle: () => {
        const next = language === 'zh' ? 'en' : 'zh';
        localStorage.setItem(LANGUAGE_KEY, next);
        document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
        setLanguage(next);
      },
    };
  }, [language]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
};

export const useI18n = (): I18n => {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
};
