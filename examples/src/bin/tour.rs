//! The nodewire tour: starts a mock of each upstream on 127.0.0.1 and drives it with the
//! library's clients, printing every exchange.
//!
//! ```sh
//! cargo run -p nodewire-examples --bin tour
//! ```

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = std::time::Instant::now();
    nodewire_examples::telemt::tour().await?;
    println!();
    nodewire_examples::nodepass::tour().await?;
    println!();
    nodewire_examples::kernel::tour().await?;
    println!();
    nodewire_examples::dash::tour().await?;
    println!();
    nodewire_examples::core::tour().await?;
    println!(
        "\ntour finished: telemt, NodePass, kernel, Dash and Core in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
