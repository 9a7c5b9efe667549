//! Reading (and, where asked, writing) other systems' encrypted health
//! data. Each system has its own folder; nothing here is used by ehrcrypt's
//! own formats.

pub mod icure;
