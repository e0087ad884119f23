// Sign-up and password rules with the API's messages (the common-password list stays on the server).
import { z } from "zod";

export const usernameSchema = z
  .string()
  .min(3, "must be at least 3 characters")
  .max(50, "must be at most 50 characters")
  .regex(/^[A-Za-z0-9_]*$/, "may contain only letters, digits and underscores");

export const passwordSchema = z
  .string()
  .min(10, "must be at least 10 characters")
  .max(128, "must be at most 128 characters")
  .refine((p) => new Set(p).size > 1, "must not be one character repeated");

export const emailSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(254, "must be at most 254 characters")
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "is not a valid e-mail address");

export const signupSchema = z.object({ username: usernameSchema, email: emailSchema, password: passwordSchema });
export type SignupValues = z.infer<typeof signupSchema>;

export const loginSchema = z.object({
  login: z.string().trim().min(1, "enter your username or e-mail"),
  password: z.string().min(1, "enter your password"),
});
export type LoginValues = z.infer<typeof loginSchema>;
