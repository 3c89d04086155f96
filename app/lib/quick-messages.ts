// Quick WhatsApp messages from the pipeline board: the three templates a person sends by hand, and the
// click-to-chat link that opens WhatsApp with the text filled in. Pure. (Small local versions: the channels
// engineer's app/lib versions were not there when the board was built; same signatures.)

export type QuickTemplateId = "reminder" | "discount" | "urgency";

export interface QuickTemplate {
  id: QuickTemplateId;
  label: "Reminder" | "Discount" | "Urgency";
  text: string;
}

export interface QuickTemplateInput {
  firstName: string | null | undefined;
  product: string | null | undefined;
  code?: string | null;
  link: string | null | undefined;
}

/** wa.me wants the number in international format, digits only (no +, spaces or dashes). */
export function clickToChatUrl(phone: string | null | undefined, text: string): string {
  const digits = (phone ?? "").replace(/\D/g, "");
  const q = `text=${encodeURIComponent(text)}`;
  return digits ? `https://wa.me/${digits}?${q}` : `https://wa.me/?${q}`;
}

export function whatsappTemplates({ firstName, product, code, link }: QuickTemplateInput): QuickTemplate[] {
  const name = firstName?.trim() || "there";
  const item = product?.trim() || "your items";
  const url = link ? ` ${link}` : "";
  const discount = code
    ? `Hi ${name}, here is a one-time code just for you: ${code}. Use it on your ${item} before it expires:${url}`
    : `Hi ${name}, we would love to help you finish your order of ${item}. Reply and we will find you a discount:${url}`;
  return [
    { id: "reminder", label: "Reminder", text: `Hi ${name}, you left ${item} in your cart. It is saved for you here:${url}` },
    { id: "discount", label: "Discount", text: discount },
    { id: "urgency", label: "Urgency", text: `Hi ${name}, ${item} is selling fast and we cannot hold your cart much longer. Complete your order now:${url}` },
  ];
}
