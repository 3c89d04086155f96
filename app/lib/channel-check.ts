// What a provider's answer says about a shop's channel setup, in words a merchant can act on. Pure.
// WhatsApp Cloud API errors are Graph API errors ({ error: { message, type, code, error_subcode } }); Meta's
// error-code reference: 190 = access token invalid/expired (HTTP 401), 100 with subcode 33 = the object (here: the
// phone number id) does not exist or the token may not use it, 132001 = template name does not exist in that
// language, 131030 = recipient not in the allowed list (test numbers of an unverified account).

export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
}

export interface SetupVerdict {
  /** The answer says the setup itself is wrong (not something about one shopper's number). */
  setupProblem: boolean;
  detail: string;
}

export function whatsappSetupVerdict(
  status: number,
  error: GraphError | null | undefined,
  o: { phoneNumberId: string; template: string; language: string },
): SetupVerdict {
  const code = error?.code;
  if (status === 401 || code === 190) {
    return {
      setupProblem: true,
      detail:
        "WhatsApp rejected the access token (expired, revoked or mistyped): paste a new permanent token from Meta Business Settings and send a test again.",
    };
  }
  if (code === 100 && error?.error_subcode === 33) {
    return {
      setupProblem: true,
      detail: `WhatsApp does not know the phone number id ${o.phoneNumberId}, or the token may not use it: copy the id from WhatsApp Manager (API setup) and check the token belongs to the same business.`,
    };
  }
  if (code === 132001) {
    return {
      setupProblem: true,
      detail: `The template "${o.template}" does not exist in language "${o.language}" (or is not approved yet): create it in WhatsApp Manager or fix the template name and language.`,
    };
  }
  if (code === 131030) {
    return {
      setupProblem: false,
      detail: "WhatsApp refused this number: while the WhatsApp account is in test mode, add the number to its allowed recipients in WhatsApp Manager.",
    };
  }
  if (status === 429 || code === 130429 || code === 80007) {
    return { setupProblem: false, detail: "WhatsApp is rate limiting this number right now: try again in a few minutes." };
  }
  if (status >= 500) return { setupProblem: false, detail: "WhatsApp had a temporary problem: try again in a few minutes." };
  return {
    setupProblem: false,
    detail: `WhatsApp refused the message (HTTP ${status}${code ? `, error ${code}` : ""}): ${(error?.message ?? "no reason given").slice(0, 200)}`,
  };
}

/** What SendGrid's refusal says about the sender setup. */
export function sendgridSetupVerdict(status: number | null, errors: Array<{ message?: string; field?: string | null }> = []): SetupVerdict {
  const text = errors.map((e) => e.message ?? "").join(" ");
  if (status === null) return { setupProblem: false, detail: "SendGrid could not be reached: try again in a few minutes." };
  if (status === 401) return { setupProblem: true, detail: "SendGrid rejected the API key (SENDGRID_API_KEY): the app's operator must replace it." };
  if (status === 403) {
    return /sender identity|from address/i.test(text)
      ? {
          setupProblem: true,
          detail: "SendGrid refused the sender address: verify it as a Sender Identity (or authenticate its domain) in SendGrid, or use another sender email.",
        }
      : { setupProblem: true, detail: `SendGrid refused to send with this API key (403)${text ? `: ${text.slice(0, 200)}` : ""}.` };
  }
  if (status === 429) return { setupProblem: false, detail: "SendGrid is rate limiting the app right now: try again in a few minutes." };
  if (status >= 500) return { setupProblem: false, detail: "SendGrid had a temporary problem: try again in a few minutes." };
  return { setupProblem: true, detail: `SendGrid refused the test email (${status})${text ? `: ${text.slice(0, 200)}` : ""}.` };
}
