//! One syn tree walk shared by every rewrite pass.
//!
//! Each `VisitMut` impl makes rustc compile syn's whole visitor (a few thousand functions)
//! again for that type, which was an eighth of this crate's machine code and so of a user's
//! cold build. Passes implement [`Pass`] instead, a few hooks behind a trait object, and
//! [`Walk`] is the one `VisitMut` that calls them.

use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprMatch, ExprStruct, Ident, ItemEnum, Lifetime, LitStr, Macro, TypePath};

/// What the walk does after a pass's `enter_*` hook.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Then {
    /// Walk the node's children, then call the `leave_*` hook.
    Descend,
    /// Leave the node as it is now: no children, no `leave_*` hook.
    Skip,
    /// The hook replaced the node: walk the replacement from its own `enter_*`.
    Revisit,
}

/// Hooks of a rewrite pass, each called for every node of its kind. `enter_*` runs before
/// the node's children are walked, `leave_*` after; both do nothing unless a pass says.
pub(crate) trait Pass {
    fn enter_block(&mut self, _: &mut Block) -> Then {
        Then::Descend
    }
    fn enter_expr(&mut self, _: &mut Expr) -> Then {
        Then::Descend
    }
    fn leave_expr(&mut self, _: &mut Expr) {}
    fn enter_expr_struct(&mut self, _: &mut ExprStruct) {}
    fn leave_expr_match(&mut self, _: &mut ExprMatch) {}
    fn enter_ident(&mut self, _: &mut Ident) {}
    fn leave_item_enum(&mut self, _: &mut ItemEnum) {}
    fn enter_lifetime(&mut self, _: &mut Lifetime) -> Then {
        Then::Descend
    }
    fn enter_lit_str(&mut self, _: &mut LitStr) {}
    fn enter_macro(&mut self, _: &mut Macro) -> Then {
        Then::Descend
    }
    fn leave_macro(&mut self, _: &mut Macro) {}
    fn leave_type_path(&mut self, _: &mut TypePath) {}
}

/// The walk of one pass: call any `visit_*_mut` of [`VisitMut`] on it to rewrite a node.
pub(crate) struct Walk<'p>(pub(crate) &'p mut dyn Pass);

impl VisitMut for Walk<'_> {
    fn visit_block_mut(&mut self, node: &mut Block) {
        if self.0.enter_block(node) == Then::Descend {
            visit_mut::visit_block_mut(self, node);
        }
    }

    fn visit_expr_mut(&mut self, node: &mut Expr) {
        match self.0.enter_expr(node) {
            Then::Descend => {
                visit_mut::visit_expr_mut(self, node);
                self.0.leave_expr(node);
            }
            Then::Skip => {}
            Then::Revisit => self.visit_expr_mut(node),
        }
    }

    fn visit_expr_struct_mut(&mut self, node: &mut ExprStruct) {
        self.0.enter_expr_struct(node);
        visit_mut::visit_expr_struct_mut(self, node);
    }

    fn visit_expr_match_mut(&mut self, node: &mut ExprMatch) {
        visit_mut::visit_expr_match_mut(self, node);
        self.0.leave_expr_match(node);
    }

    fn visit_ident_mut(&mut self, node: &mut Ident) {
        self.0.enter_ident(node);
    }

    fn visit_item_enum_mut(&mut self, node: &mut ItemEnum) {
        visit_mut::visit_item_enum_mut(self, node);
        self.0.leave_item_enum(node);
    }

    fn visit_lifetime_mut(&mut self, node: &mut Lifetime) {
        if self.0.enter_lifetime(node) == Then::Descend {
            visit_mut::visit_lifetime_mut(self, node);
        }
    }

    fn visit_lit_str_mut(&mut self, node: &mut LitStr) {
        self.0.enter_lit_str(node);
    }

    fn visit_macro_mut(&mut self, node: &mut Macro) {
        if self.0.enter_macro(node) == Then::Descend {
            visit_mut::visit_macro_mut(self, node);
            self.0.leave_macro(node);
        }
    }

    fn visit_type_path_mut(&mut self, node: &mut TypePath) {
        visit_mut::visit_type_path_mut(self, node);
        self.0.leave_type_path(node);
    }
}
