fn main() -> Result<(), paysdk_codegen::SpecError> {
    paysdk_codegen::compile_specs("specs")
}
